"""The alliance domain: events and their notices, who hears what (audiences and 分会 segments), and the
delivery of notices and broadcasts through the channels' outboxes."""
