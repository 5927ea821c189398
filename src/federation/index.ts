/**
 * @module federation — agencies' nodes that find each other's hits without handing over case files:
 * node identity and peers (Ed25519), signed envelopes, private set intersection of selectors
 * (ECDH over ristretto255), per-case sharing policy, per-peer budgets, an outbox per peer, hit
 * notices. Only blinded points and hit notices naming a point of contact leave a node.
 */
export { MAX_SKEW_MS, MESSAGE_TYPES, parseMessage, openMessage, seal, Rejection, type Envelope, type MessageType, type SignedMessage, type RejectionReason } from './envelope.ts';
export { fingerprint, generateKeyPair, parsePublicKey } from './keys.ts';
export { checkNodeName, ensureNodeIdentity, loadNodeIdentity, nodeView, updateNodeIdentity, type Contact, type NodeIdentity, type NodeView, type TlsPaths } from './identity.ts';
export { addPeer, activePeers, findPeer, listPeers, parseBudget, parsePeerUrl, peerByKey, removePeer, requirePeer, setPeerBudget, DEFAULT_DAILY_BUDGET, type Peer, type PeerView } from './peers.ts';
export { listCasePolicies, parseSharing, parseTypes, setCasePolicy, SHARING, type CasePolicyView, type Sharing } from './policy.ts';
export { openFederationNode, DEFAULT_BATCH_SIZE, type FederationNode, type FederationOptions } from './node.ts';
export { authenticateMessage, handle, receive, HANDLERS, type Received } from './receive.ts';
export { syncAll, syncPeer, syncSoon, type SyncReport, type SyncSoon } from './sync.ts';
export { backoffMs, deliverOutbox, deliverSoon, pendingMessages, type Delivery, type DeliverSoon } from './outbox.ts';
export { findSentNotice, listFederatedHits, type FederatedHitView, type SentNoticeView } from './hits.ts';
export { MAX_PUSH } from './push.ts';
export { PeerRefusal, PeerUnreachable } from './transport.ts';
export { pdqPairTag, sharedPdqValues, MAX_PDQ_PUSH } from './pdq.ts';
export { registrationSelector } from './deconfliction.ts';
export { registrationWarnings } from './operations.ts';
export { coalescer } from './coalesce.ts';
export { listExchangedHashSets, parseScheme, shareHashSet, type SharedHashSetView } from './hashsets.ts';
export type { ChannelsReport } from './channels.ts';
