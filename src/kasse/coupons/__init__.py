"""Coupons: value vouchers sold like tickets and spent as payment in later orders."""
