"""lixia_econ: Chinese regional statistics, the post-COVID recovery, comparison reports."""
