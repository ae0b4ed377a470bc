"""HTTP routes of reservations."""

from fastapi import APIRouter

router = APIRouter()
