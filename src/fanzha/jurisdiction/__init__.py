"""The jurisdiction tree (四级平台): city → district → station → grid, and the units on it.

Every record in fanzha belongs to a node. A node's ``path`` is the chain of codes from
the city down (``/360100/360102/360102001/``), so "is A inside B" is a string range
test that an ordinary B-tree index answers, cheap enough for every row of every list.
"""
