"""What handlers call: the per-chat memory and reply helper, and the escalation to a person."""
