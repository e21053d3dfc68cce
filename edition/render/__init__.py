"""Renderers read the model and write editions; they never change the Book."""
