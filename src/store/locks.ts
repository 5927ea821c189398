/**
 * Advisory locks that more than one part of the code takes, in one place so they agree.
 *
 * IDENTIFIER_REMOVAL_LOCK: a case purge removes identifiers no other case mentions and nothing
 * refers to; a federation exchange records identifiers it read a moment before in its tag, match,
 * notice and hit tables, which have no foreign key to them (migration 0023). An exchange's transaction takes
 * the lock shared and a purge's exclusively, each as its first statement: a purge waits for the
 * exchanges under way (whose rows then keep their identifiers), and an exchange that waited for a
 * purge sees its removals and skips those identifiers.
 */
export const IDENTIFIER_REMOVAL_LOCK = 0x6964_7276; // "idrv"
