"""Tests of gmm_core, the numerical core (a package so module names stay unique)."""
