"""One router per area; each endpoint calls one ``Curata`` method."""
