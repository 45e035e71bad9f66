"""Tracking's domain: the case aggregate, its status buckets and the working-day clock."""
