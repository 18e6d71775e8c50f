"""WeCom: the app callback, 微信客服 and group robots around the core."""
