"""Helpers for the DOCX documents: every text written goes through `xml_safe` (python-docx refuses characters
XML forbids, such as a control character pasted into a name or a comment)."""

from .text import xml_safe


def add_paragraph(document, text, style=None):
    return document.add_paragraph(xml_safe(text), style=style)


def set_cell(cell, text):
    cell.text = xml_safe(text)
