"""The returns stage: the gate, the readers, coercion, validation, import, batches, hand-back copies."""
