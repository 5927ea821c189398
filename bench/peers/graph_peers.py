#!/usr/bin/env python3
"""The peers of bench/graph.ts: the same edge lists through NetworkX and igraph (Debian's
python3-networkx, python3-igraph). Prints each timing (seconds) as a JSON line when measured, then all of them as one JSON object.

usage: graph_peers.py LARGE_EDGES SMALL_EDGES [--networkx-louvain]
"""
import json
import sys
import time


def timed(fn):
    start = time.perf_counter()
    fn()
    return round(time.perf_counter() - start, 3)


def report(out, name, value):
    """Records one figure and prints it at once, so a run stopped early keeps what it measured."""
    out[name] = value
    print(json.dumps({name: value}), flush=True)


def read_edges(path):
    with open(path) as handle:
        return [tuple(map(int, line.split())) for line in handle]


def main():
    large, small = read_edges(sys.argv[1]), read_edges(sys.argv[2])
    slow = "--networkx-louvain" in sys.argv
    out = {}
    try:
        import igraph
        g = igraph.Graph(edges=large, directed=False)
        report(out, "igraph_pagerank", timed(lambda: g.pagerank(damping=0.85)))
        report(out, "igraph_louvain", timed(lambda: g.community_multilevel()))
        s = igraph.Graph(edges=small, directed=False)
        report(out, "igraph_betweenness_exact_small", timed(lambda: s.betweenness()))
        report(out, "igraph_version", igraph.__version__)
    except ImportError:
        report(out, "igraph", "not installed (apt install python3-igraph)")
    import networkx as nx
    G = nx.Graph()
    G.add_edges_from(large)
    report(out, "networkx_pagerank", timed(lambda: nx.pagerank(G, alpha=0.85)))
    if slow:
        report(out, "networkx_louvain", timed(lambda: nx.community.louvain_communities(G, seed=1)))
    S = nx.Graph()
    S.add_edges_from(small)
    report(out, "networkx_betweenness_exact_small", timed(lambda: nx.betweenness_centrality(S)))
    report(out, "networkx_betweenness_16_sources_large", timed(lambda: nx.betweenness_centrality(G, k=16, seed=1)))
    report(out, "networkx_version", nx.__version__)
    print(json.dumps(out), flush=True)


main()
