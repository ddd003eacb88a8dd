"""Checked figures to indicators: every figure a document prints (SPEC 5)."""
