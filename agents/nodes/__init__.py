"""One module per node of the support graph (see agents/graph.py for the order)."""
