/** Imports TensorFlow Lite flatbuffer models into ONNX. */
package dev.edgeinfer.tflite;
