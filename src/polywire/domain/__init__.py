"""Pure news-business types and rules: releases and their versions, subscribers and their endpoints,
deliveries and their state machine, roles. Nothing here does I/O or imports a framework."""
