"""HTTP routes of availability."""

from fastapi import APIRouter

router = APIRouter()
