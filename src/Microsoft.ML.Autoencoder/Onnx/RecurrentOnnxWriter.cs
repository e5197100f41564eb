using System;
using System.Linq;

namespace Microsoft.ML.Autoencoder.Onnx
{
    /// <summary>
    /// <c>Architectures/RecurrentNetwork.cs</c> as ONNX, sequence-first (<c>[timesteps, batch, features]</c>, the
    /// layout of ONNX's <c>LSTM</c>/<c>GRU</c> before opset 14), one <c>LSTM</c> or <c>GRU</c> node per layer (torch's
    /// stacked module runs its layers the same way, each on the previous layer's outputs).
    /// </summary>
    /// <remarks>
    /// Gate order: torch stacks an LSTM's gates as input, forget, cell, output (<c>ifgo</c>) and ONNX as input, output,
    /// forget, cell (<c>iofc</c>); a GRU's as reset, update, new (<c>rzn</c>) against ONNX's update, reset, hidden
    /// (<c>zrh</c>). The weights and both biases are reordered accordingly. Torch's GRU applies the reset gate after
    /// the recurrent linear map, which is ONNX's <c>linear_before_reset = 1</c>.
    /// </remarks>
    internal sealed class RecurrentOnnxWriter : NetworkOnnxWriter
    {
        private static readonly int[] s_lstmGatesFromTorch = { 0, 3, 1, 2 };
        private static readonly int[] s_gruGatesFromTorch = { 1, 0, 2 };

        private readonly RecurrentArchitecture _architecture;
        private readonly int _timesteps;
        private readonly int _features;

        public RecurrentOnnxWriter(RecurrentArchitecture architecture, NetworkWeights weights)
            : base(weights)
        {
            if (architecture.Timesteps is not int timesteps || architecture.FeaturesPerStep is not int features)
                throw new InvalidOperationException("The recurrent architecture's sequence shape is not resolved.");
            _architecture = architecture;
            _timesteps = timesteps;
            _features = features;
        }

        public override string EncoderOutputLayer => "_encoder._output";

        /// <summary>The top layer's last hidden state, <c>[batch, hidden]</c>.</summary>
        public override string EncoderFeatures(OnnxGraph graph, string rows)
        {
            var steps = graph.Reshape(rows, new long[] { -1, _timesteps, _features }, "_encoder.steps");
            var sequence = graph.Transpose(steps, new long[] { 1, 0, 2 }, "_encoder.sequence");
            var (_, lastHidden) = Recurrent(graph, sequence, "_encoder._recurrent", initialHidden: null, topOutputs: false);
            return graph.Squeeze(lastHidden, 0, "_encoder.last");
        }

        /// <summary>
        /// The code mapped linearly and repeated at every step, through the layers, each starting from its slice of
        /// <c>tanh</c> of another linear map of the code, then the per-step linear layer.
        /// </summary>
        public override string DecoderLogits(OnnxGraph graph, string latent)
        {
            long hidden = _architecture.HiddenSize;
            var step = graph.Unsqueeze(Linear(graph, latent, "_decoder._input"), 0, "_decoder.step");
            var repeated = graph.Apply("Expand", "_decoder.repeated", step, graph.Shape(new long[] { _timesteps, 1, 1 }, "_decoder.repeat"));
            var initialHidden = Enumerable.Range(0, _architecture.Layers)
                .Select(layer => graph.Unsqueeze(
                    graph.Apply("Tanh", $"_decoder.initial_h{layer}", Linear(graph, latent, "_decoder._initialHidden", layer * hidden, hidden)),
                    0, $"_decoder.initial_h{layer}.unsqueezed"))
                .ToArray();
            var (outputs, _) = Recurrent(graph, repeated, "_decoder._recurrent", initialHidden, topOutputs: true);
            var (weight, weightShape) = Weights.Transposed("_decoder._output.weight");
            var (bias, biasShape) = Weights["_decoder._output.bias"];
            var perStep = graph.Apply("MatMul", "_decoder._output.matmul", outputs, graph.Constant(weight, weightShape, "_decoder._output.weight"));
            var features = graph.Apply("Add", "_decoder._output", perStep, graph.Constant(bias, biasShape, "_decoder._output.bias"));
            var batchFirst = graph.Transpose(features, new long[] { 1, 0, 2 }, "_decoder.batch_first");
            return graph.Reshape(batchFirst, new long[] { -1, (long)_timesteps * _features }, "_decoder.rows");
        }

        /// <summary>
        /// Runs the stacked recurrent module <paramref name="module"/> over <paramref name="sequence"/>
        /// (<c>[timesteps, batch, input]</c>); returns the top layer's outputs <c>[timesteps, batch, hidden]</c> and its
        /// last hidden state <c>[1, batch, hidden]</c>. <paramref name="initialHidden"/> holds each layer's
        /// <c>[1, batch, hidden]</c> initial state, or is <see langword="null"/> for zeros; an LSTM's cell state starts at zero.
        /// Without <paramref name="topOutputs"/>, the top layer's outputs are not computed (the returned name is empty).
        /// </summary>
        private (string Outputs, string LastHidden) Recurrent(OnnxGraph graph, string sequence, string module, string[]? initialHidden, bool topOutputs)
        {
            bool lstm = _architecture.Cell switch
            {
                RecurrentCell.Lstm => true,
                RecurrentCell.Gru => false,
                var other => throw new NotSupportedException($"The recurrent cell {other} cannot be exported to ONNX."),
            };
            var gates = lstm ? s_lstmGatesFromTorch : s_gruGatesFromTorch;
            long hidden = _architecture.HiddenSize;
            var x = sequence;
            string lastHidden = "";
            for (int layer = 0; layer < _architecture.Layers; layer++)
            {
                string prefix = $"{module}.l{layer}";
                var inputWeight = Weights[$"{module}.weight_ih_l{layer}"].Shape;
                var w = graph.Constant(Weights.ReorderChunks($"{module}.weight_ih_l{layer}", gates), new[] { 1, inputWeight[0], inputWeight[1] }, prefix + ".W");
                var r = graph.Constant(Weights.ReorderChunks($"{module}.weight_hh_l{layer}", gates), new[] { 1, gates.Length * hidden, hidden }, prefix + ".R");
                var biases = Weights.ReorderChunks($"{module}.bias_ih_l{layer}", gates).Concat(Weights.ReorderChunks($"{module}.bias_hh_l{layer}", gates)).ToArray();
                var b = graph.Constant(biases, new[] { 1, 2 * gates.Length * hidden }, prefix + ".B");
                bool top = layer == _architecture.Layers - 1;
                // Y is [timesteps, directions = 1, batch, hidden]; an empty name leaves an optional output out.
                var y = top && !topOutputs ? "" : graph.Tensor(prefix + ".Y");
                lastHidden = graph.Tensor(prefix + ".Y_h");
                var inputs = initialHidden is null ? new[] { x, w, r, b } : new[] { x, w, r, b, "", initialHidden[layer] };
                var node = graph.Node(lstm ? "LSTM" : "GRU", inputs, new[] { y, lastHidden });
                node.AddAttribute("hidden_size", hidden);
                if (!lstm)
                    node.AddAttribute("linear_before_reset", 1L);
                x = y.Length == 0 ? "" : graph.Squeeze(y, 1, prefix + ".outputs");
            }
            return (x, lastHidden);
        }
    }
}
