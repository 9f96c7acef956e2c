/** Plug-in points of the runtime: importers of model formats other than ONNX. */
package dev.edgeinfer.runtime.spi;
