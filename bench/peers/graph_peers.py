#!/usr/bin/env python3
"""The peers of bench/graph.ts: the same edge lists through NetworkX and igraph (Debian's
python3-networkx, python3-igraph). Prints one JSON object of timings in seconds.

usage: graph_peers.py LARGE_EDGES SMALL_EDGES [--networkx-louvain]
"""
import json
import sys
import time


def timed(fn):
    start = time.perf_counter()
    fn()
    return round(time.perf_counter() - start, 3)


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
        out["igraph_pagerank"] = timed(lambda: g.pagerank(damping=0.85))
        out["igraph_louvain"] = timed(lambda: g.community_multilevel())
        s = igraph.Graph(edges=small, directed=False)
        out["igraph_betweenness_exact_small"] = timed(lambda: s.betweenness())
        out["igraph_version"] = igraph.__version__
    except ImportError:
        out["igraph"] = "not installed (apt install python3-igraph)"
    import networkx as nx
    G = nx.Graph()
    G.add_edges_from(large)
    out["networkx_pagerank"] = timed(lambda: nx.pagerank(G, alpha=0.85))
    if slow:
        out["networkx_louvain"] = timed(lambda: nx.community.louvain_communities(G, seed=1))
    S = nx.Graph()
    S.add_edges_from(small)
    out["networkx_betweenness_exact_small"] = timed(lambda: nx.betweenness_centrality(S))
    out["networkx_betweenness_16_sources_large"] = timed(lambda: nx.betweenness_centrality(G, k=16, seed=1))
    out["networkx_version"] = nx.__version__
    print(json.dumps(out))


main()
