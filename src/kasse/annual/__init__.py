"""Annual passes: validity, and the personalization flow under /api/v4/annual."""
