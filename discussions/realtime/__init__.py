"""Real-time delivery of a space's events: publishing after commit, and each process's fan-out."""
