using System;
using System.Linq;
using Microsoft.ML.Autoencoder.Model;
using Microsoft.ML.Model.OnnxConverter;

namespace Microsoft.ML.Autoencoder.Onnx
{
    /// <summary>
    /// The autoencoder's part of <c>mlContext.Model.ConvertToOnnx</c>: ML.NET walks the pipeline's data views back from
    /// the last, and each one that implements its internal <see cref="ITransformCanSaveOnnx"/> writes its nodes into
    /// the shared <see cref="OnnxContext"/>, reading its input columns' variables and mapping its output columns to new
    /// ones (the transformer's output view does, through <c>Onnx/AutoencoderDataView.Onnx.cs</c>).
    /// </summary>
    internal static class PipelineOnnxExport
    {
        /// <summary>Writes the model's output columns, computed from its input column, into <paramref name="context"/>.</summary>
        /// <exception cref="InvalidOperationException">The input column is not in the ONNX graph (a step before the autoencoder could not be exported).</exception>
        /// <exception cref="NotSupportedException">Some part of the model has no ONNX form; the message names it.</exception>
        public static void SaveAsOnnx(OnnxContext context, AutoencoderModel model)
        {
            var description = model.Description;
            context.CheckOpSetVersion(OnnxGraph.MinimumOpSetVersion, nameof(AutoencoderTransformer));
            if (!context.ContainsColumn(description.InputColumnName))
                throw new InvalidOperationException(
                    $"The autoencoder's input column '{description.InputColumnName}' is not in the ONNX graph: a step before the autoencoder in the pipeline "
                    + "cannot be exported to ONNX (ML.NET's log names it: 'Had to stop walkback of pipeline at ...').");
            var input = context.GetVariableName(description.InputColumnName);
            var columns = description.OutputColumns().ToArray();
            var writer = AutoencoderOnnxWriter.Create(model);
            using var graph = new OnnxGraph(context, "Autoencoder");
            var outputs = writer.WriteFromRows(graph, input, columns.Select(column => column.Kind).ToArray());
            foreach (var (name, type, kind) in columns)
                graph.Identity(outputs[kind], context.AddIntermediateVariable(type, name));
        }
    }
}
