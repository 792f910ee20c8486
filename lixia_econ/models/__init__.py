"""Growth and recovery models; each returns a results object with the same face."""
