"""What shop front-ends read before they draw anything: texts, configuration, payment modes."""
