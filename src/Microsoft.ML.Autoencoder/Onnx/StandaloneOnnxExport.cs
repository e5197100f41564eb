using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Google.Protobuf;
using Microsoft.ML.Autoencoder.Data;
using Microsoft.ML.Autoencoder.Model;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Autoencoder.Onnx
{
    /// <summary>
    /// Writes an ONNX model of an autoencoder alone (its encoder, its decoder, or all the transformer computes) with
    /// the same nodes as the pipeline export, in a context of the ONNX converter's own (<see cref="OnnxContextImpl"/>,
    /// internal to Microsoft.ML.OnnxConverter, reached as Interop/README.md describes). Inputs and outputs are named
    /// after the model's columns and are float tensors <c>[batch, size]</c> (the error <c>[batch, 1]</c>), any batch size.
    /// </summary>
    internal static class StandaloneOnnxExport
    {
        /// <summary>The opset written: the highest ML.NET's converter knows; the nodes need only <see cref="OnnxGraph.MinimumOpSetVersion"/>.</summary>
        public const int OpSetVersion = 12;

        /// <summary>The input name of a decoder whose model has no latent column.</summary>
        public const string DefaultLatentName = "Latent";

        /// <summary>The log-variance output name of a variational encoder whose model has no log-variance column.</summary>
        public const string DefaultLogVarianceName = "LogVariance";

        /// <summary>The output name of a decoder whose model has no reconstruction column.</summary>
        public const string DefaultReconstructionName = "Reconstruction";

        /// <exception cref="NotSupportedException">Some part of the model has no ONNX form; the message names it.</exception>
        public static void Save(AutoencoderModel model, OnnxModelPart part, Stream stream)
        {
            var description = model.Description;
            var writer = AutoencoderOnnxWriter.Create(model);
            var latentType = new VectorDataViewType(NumberDataViewType.Single, description.LatentDimension);
            var rowType = new VectorDataViewType(NumberDataViewType.Single, description.InputSize);
            var context = new OnnxContextImpl(new MLContext(), $"Autoencoder{part}", "Microsoft.ML.Autoencoder",
                typeof(StandaloneOnnxExport).Assembly.GetName().Version?.ToString() ?? "0", 0, "Microsoft.ML.Autoencoder", OnnxVersion.Stable, OpSetVersion);
            var outputs = new List<(string Tensor, string Name, DataViewType Type)>();
            using (var graph = new OnnxGraph(context, "Autoencoder"))
            {
                if (part == OnnxModelPart.Decoder)
                {
                    string latentName = description.LatentColumnName ?? DefaultLatentName;
                    context.AddInputVariable(latentType, latentName);
                    outputs.Add((writer.WriteDecoder(graph, context.GetVariableName(latentName)), description.ReconstructionColumnName ?? DefaultReconstructionName, rowType));
                }
                else
                {
                    context.AddInputVariable(rowType, description.InputColumnName);
                    var columns = part == OnnxModelPart.Encoder ? EncoderColumns(description) : description.OutputColumns().ToArray();
                    var tensors = writer.WriteFromRows(graph, context.GetVariableName(description.InputColumnName), columns.Select(column => column.Kind).ToArray());
                    outputs.AddRange(columns.Select(column => (tensors[column.Kind], column.Name, column.Type)));
                }
                foreach (var (tensor, name, type) in outputs)
                {
                    var output = context.AddIntermediateVariable(type, name, skip: true);
                    graph.Identity(tensor, output);
                    context.AddOutputVariable(type, output);
                }
            }
            context.MakeModel().WriteTo(stream);
        }

        /// <summary>The latent column and, for a variational model, the log-variance column, named as in the model or by default.</summary>
        private static (string Name, DataViewType Type, OutputKind Kind)[] EncoderColumns(Persistence.AutoencoderModelDescription description)
        {
            var latentType = new VectorDataViewType(NumberDataViewType.Single, description.LatentDimension);
            var columns = new List<(string, DataViewType, OutputKind)> { (description.LatentColumnName ?? DefaultLatentName, latentType, OutputKind.Latent) };
            if (description.IsVariational)
                columns.Add((description.LogVarianceColumnName ?? DefaultLogVarianceName, latentType, OutputKind.LogVariance));
            return columns.ToArray();
        }
    }
}
