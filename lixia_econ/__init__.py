"""lixia_econ: Chinese regional statistics, the post-COVID recovery, comparison reports."""

__version__ = "0.1.0"
