"""Pure renderers of the news industry's formats."""
