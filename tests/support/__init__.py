"""Test support: a real polywire server process, real HTTP receivers, real databases."""
