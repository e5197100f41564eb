using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Autoencoder.Data;
using Microsoft.ML.Autoencoder.Model;
using Microsoft.ML.Autoencoder.Persistence;

namespace Microsoft.ML.Autoencoder.Onnx
{
    /// <summary>
    /// Writes a trained autoencoder as ONNX nodes: what <see cref="AutoencoderModel.Forward"/> computes (latent code,
    /// log-variance, reconstruction, per-row reconstruction error) from rows, and what <see cref="AutoencoderModel.Decode"/>
    /// computes from codes. The weights are copied from the network once, when the writer is created.
    /// </summary>
    internal sealed class AutoencoderOnnxWriter
    {
        private readonly AutoencoderModelDescription _description;
        private readonly NetworkOnnxWriter _network;

        private AutoencoderOnnxWriter(AutoencoderModelDescription description, NetworkOnnxWriter network)
        {
            _description = description;
            _network = network;
        }

        /// <exception cref="NotSupportedException">Some part of the model has no ONNX form; the message names it.</exception>
        public static AutoencoderOnnxWriter Create(AutoencoderModel model)
        {
            var description = model.Description;
            if (!Enum.IsDefined(description.OutputActivation))
                throw new NotSupportedException($"The output activation {description.OutputActivation} cannot be exported to ONNX.");
            if (!Enum.IsDefined(description.Loss))
                throw new NotSupportedException($"The reconstruction loss {description.Loss} cannot be exported to ONNX.");
            return new AutoencoderOnnxWriter(description, NetworkOnnxWriter.For(description, new NetworkWeights(model.CopyState())));
        }

        /// <summary>
        /// The outputs <paramref name="kinds"/> asks for, computed from <paramref name="input"/> (a float tensor of
        /// <c>InputSize</c> values per row, of any shape whose first dimension is the batch), each a <c>[batch, latent]</c>,
        /// <c>[batch, inputSize]</c> or, for the error, <c>[batch, 1]</c> tensor (ML.NET's ONNX shape of a scalar column).
        /// A variational model's latent code is the mean of its latent distribution.
        /// </summary>
        public IReadOnlyDictionary<OutputKind, string> WriteFromRows(OnnxGraph graph, string input, IReadOnlyCollection<OutputKind> kinds)
        {
            if (kinds.Contains(OutputKind.LogVariance) && !_description.IsVariational)
                throw new InvalidOperationException("The network is not variational: it has no log-variance.");
            var outputs = new Dictionary<OutputKind, string>();
            var rows = graph.Reshape(input, new long[] { -1, _description.InputSize }, "rows");
            var features = _network.EncoderFeatures(graph, rows);
            int latent = _description.LatentDimension;
            // A variational encoder's last layer outputs the mean, then the log-variance: its weight rows are split so
            // that each is one Gemm (the same dot products as the network's single linear layer).
            var code = _description.IsVariational
                ? _network.Linear(graph, features, _network.EncoderOutputLayer, 0, latent)
                : _network.Linear(graph, features, _network.EncoderOutputLayer);
            outputs[OutputKind.Latent] = code;
            if (kinds.Contains(OutputKind.LogVariance))
                outputs[OutputKind.LogVariance] = _network.Linear(graph, features, _network.EncoderOutputLayer, latent, latent);
            if (kinds.Contains(OutputKind.Reconstruction) || kinds.Contains(OutputKind.ReconstructionError))
            {
                var logits = _network.DecoderLogits(graph, code);
                string? reconstruction = null;
                string Reconstruction() => reconstruction ??= Activate(graph, logits);
                if (kinds.Contains(OutputKind.Reconstruction))
                    outputs[OutputKind.Reconstruction] = Reconstruction();
                if (kinds.Contains(OutputKind.ReconstructionError))
                    outputs[OutputKind.ReconstructionError] = RowLoss(graph, logits, Reconstruction, rows);
            }
            return kinds.ToDictionary(kind => kind, kind => outputs[kind]);
        }

        /// <summary>Reconstructions <c>[batch, inputSize]</c> of the codes <paramref name="latent"/> (<c>[batch, latent]</c>).</summary>
        public string WriteDecoder(OnnxGraph graph, string latent) => Activate(graph, _network.DecoderLogits(graph, latent));

        /// <summary>The output activation (<c>Training/LossFunctions.Activate</c>).</summary>
        private string Activate(OnnxGraph graph, string logits) => _description.OutputActivation switch
        {
            OutputActivation.Sigmoid => graph.Apply("Sigmoid", "reconstruction", logits),
            OutputActivation.Identity => logits,
            var other => throw new NotSupportedException($"The output activation {other} cannot be exported to ONNX."),
        };

        /// <summary>
        /// The loss the model reports per row (<c>Training/LossFunctions.RowLoss</c>): each value's loss, averaged over
        /// the row, <c>[batch, 1]</c>. Binary cross-entropy is computed from the logits in the stable form
        /// <c>max(l, 0) - l y + log(1 + exp(-|l|))</c>.
        /// </summary>
        private string RowLoss(OnnxGraph graph, string logits, Func<string> reconstruction, string rows)
        {
            string elementwise;
            switch (_description.Loss)
            {
                case ReconstructionLoss.MeanSquaredError:
                    var difference = graph.Apply("Sub", "error.difference", reconstruction(), rows);
                    elementwise = graph.Apply("Mul", "error.squared", difference, difference);
                    break;
                case ReconstructionLoss.L1:
                    elementwise = graph.Apply("Abs", "error.absolute", graph.Apply("Sub", "error.difference", reconstruction(), rows));
                    break;
                case ReconstructionLoss.BinaryCrossEntropy:
                    var positive = graph.Apply("Relu", "error.positive", logits);
                    var product = graph.Apply("Mul", "error.product", logits, rows);
                    var softplus = graph.Apply("Softplus", "error.softplus", graph.Apply("Neg", "error.negative", graph.Apply("Abs", "error.magnitude", logits)));
                    elementwise = graph.Apply("Add", "error.elementwise", graph.Apply("Sub", "error.linear", positive, product), softplus);
                    break;
                default:
                    throw new NotSupportedException($"The reconstruction loss {_description.Loss} cannot be exported to ONNX.");
            }
            return graph.Apply("ReduceMean", "error", node =>
                {
                    node.AddAttribute("axes", new[] { 1L });
                    node.AddAttribute("keepdims", 1L);
                }, elementwise);
        }
    }
}
