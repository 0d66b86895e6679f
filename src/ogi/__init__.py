"""ogi: structure Chinese open-government-information annual reports into canonical data."""

__version__ = "0.1.0"
