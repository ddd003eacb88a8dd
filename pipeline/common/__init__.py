"""Shared helpers of every stage: periods and editions, where files are, vi-VN formats, safe writes, errors. Standard library (and Babel for formats) only where make calls them."""
