package dev.edgeinfer.onnx;

import com.google.protobuf.ByteString;
import dev.edgeinfer.onnx.proto.AttributeProto;
import dev.edgeinfer.onnx.proto.FunctionProto;
import dev.edgeinfer.onnx.proto.GraphProto;
import dev.edgeinfer.onnx.proto.ModelProto;
import dev.edgeinfer.onnx.proto.NodeProto;
import dev.edgeinfer.onnx.proto.SparseTensorProto;
import dev.edgeinfer.onnx.proto.StringStringEntryProto;
import dev.edgeinfer.onnx.proto.TensorProto;
import dev.edgeinfer.onnx.proto.TrainingInfoProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.UnaryOperator;

/**
 * Tensors whose data lives in files next to the model ({@code data_location = EXTERNAL}), and the
 * walk over every place a model can hold a tensor: initializers, sparse initializers, tensor
 * attributes, subgraphs, functions and training graphs.
 */
final class ExternalData {

  private ExternalData() {}

  /** True when some tensor of {@code model} keeps its data outside the model file. */
  static boolean isUsedBy(ModelProto model) {
    boolean[] found = {false};
    rewrite(
        model,
        tensor -> {
          found[0] |= tensor.getDataLocation() == TensorProto.DataLocation.EXTERNAL;
          return tensor;
        });
    return found[0];
  }

  /** A copy of {@code model} whose external tensors hold their data, read from {@code folder}. */
  static ModelProto inline(ModelProto model, Path folder) {
    return rewrite(model, tensor -> inline(tensor, folder));
  }

  private static TensorProto inline(TensorProto tensor, Path folder) {
    if (tensor.getDataLocation() != TensorProto.DataLocation.EXTERNAL) {
      return tensor;
    }
    String location = null;
    long offset = 0;
    long length = -1;
    for (StringStringEntryProto entry : tensor.getExternalDataList()) {
      switch (entry.getKey()) {
        case "location" -> location = entry.getValue();
        case "offset" -> offset = parseLong(entry.getValue(), "offset", tensor);
        case "length" -> length = parseLong(entry.getValue(), "length", tensor);
        default -> {
          // "checksum" and keys of newer specifications are not needed to read the data.
        }
      }
    }
    String name = "tensor '" + tensor.getName() + "'";
    if (location == null || location.isEmpty()) {
      throw new OnnxFormatException(
          OnnxFormatException.Code.INVALID_GRAPH,
          name + " is marked EXTERNAL but has no external_data location: re-export the model");
    }
    Path base = folder.toAbsolutePath().normalize();
    Path file = base.resolve(location).normalize();
    if (Path.of(location).isAbsolute() || !file.startsWith(base)) {
      throw new OnnxFormatException(
          OnnxFormatException.Code.INVALID_GRAPH,
          name
              + " stores its data at "
              + location
              + ", outside the model's folder "
              + base
              + ": keep external data files next to the model");
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      long count = length >= 0 ? length : size - offset;
      if (offset < 0 || count < 0 || offset + count > size) {
        throw new OnnxFormatException(
            OnnxFormatException.Code.TRUNCATED,
            location
                + " is "
                + size
                + " bytes, too short for "
                + name
                + " (offset "
                + offset
                + ", length "
                + count
                + "): copy the complete file next to the model");
      }
      if (count > Integer.MAX_VALUE - 8) {
        throw new OnnxFormatException(
            OnnxFormatException.Code.UNSUPPORTED,
            name
                + " has "
                + count
                + " bytes of external data, over the 2 GiB a tensor can hold"
                + " in memory: keep it external and read it in pieces");
      }
      ByteBuffer buffer = ByteBuffer.allocate((int) count);
      while (buffer.hasRemaining()) {
        if (channel.read(buffer, offset + buffer.position()) < 0) {
          throw new OnnxFormatException(
              OnnxFormatException.Code.TRUNCATED,
              location
                  + " ended early while reading "
                  + name
                  + ": copy the complete file next to the model");
        }
      }
      buffer.flip();
      return tensor.toBuilder()
          .clearExternalData()
          .setDataLocation(TensorProto.DataLocation.DEFAULT)
          .setRawData(ByteString.copyFrom(buffer))
          .build();
    } catch (NoSuchFileException e) {
      throw new OnnxFormatException(
          OnnxFormatException.Code.FILE_NOT_FOUND,
          location
              + " (external data of "
              + name
              + ") does not exist in "
              + base
              + ": copy it next to the model",
          e);
    } catch (IOException e) {
      throw new OnnxFormatException(
          OnnxFormatException.Code.IO,
          "cannot read "
              + file
              + " (external data of "
              + name
              + "): "
              + e
              + ": check its permissions",
          e);
    }
  }

  private static long parseLong(String value, String key, TensorProto tensor) {
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new OnnxFormatException(
          OnnxFormatException.Code.INVALID_GRAPH,
          "tensor '"
              + tensor.getName()
              + "' has external_data "
              + key
              + " '"
              + value
              + "', not an integer: re-export the model",
          e);
    }
  }

  // ---- the walk over every tensor of a model; messages are copied only where a tensor changes
  // ----

  private static ModelProto rewrite(ModelProto model, UnaryOperator<TensorProto> change) {
    ModelProto.Builder builder = null;
    if (model.hasGraph()) {
      GraphProto graph = rewrite(model.getGraph(), change);
      if (graph != model.getGraph()) {
        builder = model.toBuilder().setGraph(graph);
      }
    }
    for (int i = 0; i < model.getTrainingInfoCount(); i++) {
      TrainingInfoProto info = model.getTrainingInfo(i);
      TrainingInfoProto.Builder training = null;
      if (info.hasInitialization()) {
        GraphProto graph = rewrite(info.getInitialization(), change);
        if (graph != info.getInitialization()) {
          training = info.toBuilder().setInitialization(graph);
        }
      }
      if (info.hasAlgorithm()) {
        GraphProto graph = rewrite(info.getAlgorithm(), change);
        if (graph != info.getAlgorithm()) {
          training = (training == null ? info.toBuilder() : training).setAlgorithm(graph);
        }
      }
      if (training != null) {
        builder = (builder == null ? model.toBuilder() : builder).setTrainingInfo(i, training);
      }
    }
    for (int i = 0; i < model.getFunctionsCount(); i++) {
      FunctionProto function = model.getFunctions(i);
      FunctionProto.Builder rewritten = null;
      for (int j = 0; j < function.getNodeCount(); j++) {
        NodeProto node = rewrite(function.getNode(j), change);
        if (node != function.getNode(j)) {
          rewritten = (rewritten == null ? function.toBuilder() : rewritten).setNode(j, node);
        }
      }
      for (int j = 0; j < function.getAttributeProtoCount(); j++) {
        AttributeProto attribute = rewrite(function.getAttributeProto(j), change);
        if (attribute != function.getAttributeProto(j)) {
          rewritten =
              (rewritten == null ? function.toBuilder() : rewritten)
                  .setAttributeProto(j, attribute);
        }
      }
      if (rewritten != null) {
        builder = (builder == null ? model.toBuilder() : builder).setFunctions(i, rewritten);
      }
    }
    return builder == null ? model : builder.build();
  }

  private static GraphProto rewrite(GraphProto graph, UnaryOperator<TensorProto> change) {
    GraphProto.Builder builder = null;
    for (int i = 0; i < graph.getInitializerCount(); i++) {
      TensorProto tensor = change.apply(graph.getInitializer(i));
      if (tensor != graph.getInitializer(i)) {
        builder = (builder == null ? graph.toBuilder() : builder).setInitializer(i, tensor);
      }
    }
    for (int i = 0; i < graph.getSparseInitializerCount(); i++) {
      SparseTensorProto sparse = rewrite(graph.getSparseInitializer(i), change);
      if (sparse != graph.getSparseInitializer(i)) {
        builder = (builder == null ? graph.toBuilder() : builder).setSparseInitializer(i, sparse);
      }
    }
    for (int i = 0; i < graph.getNodeCount(); i++) {
      NodeProto node = rewrite(graph.getNode(i), change);
      if (node != graph.getNode(i)) {
        builder = (builder == null ? graph.toBuilder() : builder).setNode(i, node);
      }
    }
    return builder == null ? graph : builder.build();
  }

  private static NodeProto rewrite(NodeProto node, UnaryOperator<TensorProto> change) {
    NodeProto.Builder builder = null;
    for (int i = 0; i < node.getAttributeCount(); i++) {
      AttributeProto attribute = rewrite(node.getAttribute(i), change);
      if (attribute != node.getAttribute(i)) {
        builder = (builder == null ? node.toBuilder() : builder).setAttribute(i, attribute);
      }
    }
    return builder == null ? node : builder.build();
  }

  private static AttributeProto rewrite(
      AttributeProto attribute, UnaryOperator<TensorProto> change) {
    AttributeProto.Builder builder = null;
    if (attribute.hasT()
        && change.apply(attribute.getT()) instanceof TensorProto t
        && t != attribute.getT()) {
      builder = attribute.toBuilder().setT(t);
    }
    if (attribute.hasG()
        && rewrite(attribute.getG(), change) instanceof GraphProto g
        && g != attribute.getG()) {
      builder = (builder == null ? attribute.toBuilder() : builder).setG(g);
    }
    if (attribute.hasSparseTensor()
        && rewrite(attribute.getSparseTensor(), change) instanceof SparseTensorProto sparse
        && sparse != attribute.getSparseTensor()) {
      builder = (builder == null ? attribute.toBuilder() : builder).setSparseTensor(sparse);
    }
    for (int i = 0; i < attribute.getTensorsCount(); i++) {
      TensorProto tensor = change.apply(attribute.getTensors(i));
      if (tensor != attribute.getTensors(i)) {
        builder = (builder == null ? attribute.toBuilder() : builder).setTensors(i, tensor);
      }
    }
    for (int i = 0; i < attribute.getGraphsCount(); i++) {
      GraphProto graph = rewrite(attribute.getGraphs(i), change);
      if (graph != attribute.getGraphs(i)) {
        builder = (builder == null ? attribute.toBuilder() : builder).setGraphs(i, graph);
      }
    }
    for (int i = 0; i < attribute.getSparseTensorsCount(); i++) {
      SparseTensorProto sparse = rewrite(attribute.getSparseTensors(i), change);
      if (sparse != attribute.getSparseTensors(i)) {
        builder = (builder == null ? attribute.toBuilder() : builder).setSparseTensors(i, sparse);
      }
    }
    return builder == null ? attribute : builder.build();
  }

  private static SparseTensorProto rewrite(
      SparseTensorProto sparse, UnaryOperator<TensorProto> change) {
    TensorProto values = sparse.hasValues() ? change.apply(sparse.getValues()) : sparse.getValues();
    TensorProto indices =
        sparse.hasIndices() ? change.apply(sparse.getIndices()) : sparse.getIndices();
    if (values == sparse.getValues() && indices == sparse.getIndices()) {
      return sparse;
    }
    SparseTensorProto.Builder builder = sparse.toBuilder();
    if (sparse.hasValues()) {
      builder.setValues(values);
    }
    if (sparse.hasIndices()) {
      builder.setIndices(indices);
    }
    return builder.build();
  }
}
