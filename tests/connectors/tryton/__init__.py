"""Tests of the Tryton connector against a real trytond (R-CON-2)."""
