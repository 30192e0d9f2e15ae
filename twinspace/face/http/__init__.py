"""HTTP handlers, one module per resource group; each declares an ApiRouter."""
