// placeholder while the layer is built
