package dev.edgeinfer.onnx;

import dev.edgeinfer.onnx.proto.AttributeProto;
import dev.edgeinfer.onnx.proto.NodeProto;
import java.util.Optional;

/** A node of a graph, read with the defaults the ONNX operator specification gives. */
record GraphNode(NodeProto proto) {

  String opType() {
    return proto.getOpType();
  }

  /** True for operators of the default {@code ai.onnx} domain. */
  boolean isDefaultDomain() {
    return proto.getDomain().isEmpty() || proto.getDomain().equals("ai.onnx");
  }

  /** The op type, prefixed by its domain when that is not the default one. */
  String qualifiedOpType() {
    return isDefaultDomain() ? proto.getOpType() : proto.getDomain() + "." + proto.getOpType();
  }

  /** The name of input {@code index}; empty when it is absent or left out with {@code ""}. */
  Optional<String> input(int index) {
    if (index >= proto.getInputCount() || proto.getInput(index).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(proto.getInput(index));
  }

  Optional<AttributeProto> attribute(String name) {
    for (AttributeProto attribute : proto.getAttributeList()) {
      if (attribute.getName().equals(name)) {
        return Optional.of(attribute);
      }
    }
    return Optional.empty();
  }

  long intAttribute(String name, long fallback) {
    return attribute(name).filter(AttributeProto::hasI).map(AttributeProto::getI).orElse(fallback);
  }

  String stringAttribute(String name, String fallback) {
    return attribute(name)
        .filter(AttributeProto::hasS)
        .map(a -> a.getS().toStringUtf8())
        .orElse(fallback);
  }

  Optional<long[]> intsAttribute(String name) {
    return attribute(name)
        .filter(a -> a.getIntsCount() > 0 || a.getType() == AttributeProto.AttributeType.INTS)
        .map(a -> a.getIntsList().stream().mapToLong(Long::longValue).toArray());
  }

  Optional<double[]> floatsAttribute(String name) {
    return attribute(name)
        .filter(a -> a.getFloatsCount() > 0 || a.getType() == AttributeProto.AttributeType.FLOATS)
        .map(a -> a.getFloatsList().stream().mapToDouble(Float::doubleValue).toArray());
  }
}
