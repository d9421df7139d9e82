"""App pages. Each module exposes ``render()``; app.py lists them in its navigation.

simulate.py  模拟 / Simulate
compare.py   方案对比 / Compare schemes (added later; register it in app.py's PAGES)
tuning.py    阈值调优 / Target tuning (sweeps, recommendation, staffing, target band from history)
"""
