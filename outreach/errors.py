"""The error a domain service raises when a request breaks a business rule. The API answers
it with 422 in its error envelope; the CLI prints its sentence."""

from __future__ import annotations


class RuleBroken(Exception):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
