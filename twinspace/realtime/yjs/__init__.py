"""Reading and writing Yjs updates without a CRDT engine: decoding, scanning, page reading/writing
and export."""
