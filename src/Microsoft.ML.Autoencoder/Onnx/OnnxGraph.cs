using System;
using System.Collections.Generic;
using Microsoft.ML.Model.OnnxConverter;

namespace Microsoft.ML.Autoencoder.Onnx
{
    /// <summary>
    /// Adds nodes and constants of the standard ONNX domain to an ML.NET <see cref="OnnxContext"/>, whether the
    /// context is <c>ConvertToOnnx</c>'s (the autoencoder inside a pipeline) or one of our own (a standalone model).
    /// </summary>
    /// <remarks>
    /// The context maps every name it hands out to a pseudo-column: <c>AddIntermediateVariable</c> and
    /// <c>AddInitializer</c> take a column name and return a unique variable name. So that the autoencoder's tensors
    /// never shadow a pipeline's real columns, each is reserved under a key no column uses (<see cref="Reserve"/>), and
    /// <see cref="Dispose"/> removes those keys again: afterwards the context knows only the columns it knew plus
    /// the output columns the caller added. The variable names stay taken, so a second autoencoder gets new ones.
    /// Only operators of opset 9 are used, with the attribute forms valid from opset 9 to 12 (the range ML.NET writes).
    /// </remarks>
    internal sealed class OnnxGraph : IDisposable
    {
        /// <summary>The lowest opset whose operators the graph uses (Erf, BatchNormalization without spatial, Flatten).</summary>
        public const int MinimumOpSetVersion = 9;

        private readonly OnnxContext _context;
        private readonly string _scope;
        private readonly List<string> _reservedKeys = new List<string>();

        /// <param name="context">The context to add to.</param>
        /// <param name="scope">The prefix of every name added, e.g. <c>Autoencoder</c>.</param>
        public OnnxGraph(OnnxContext context, string scope)
        {
            _context = context;
            _scope = scope;
        }

        /// <summary>A new intermediate tensor named after <paramref name="name"/> (its shape is left to ONNX's inference).</summary>
        public string Tensor(string name) => _context.AddIntermediateVariable(null, Reserve(name), skip: true);

        /// <summary>A float constant of the given shape (row-major values).</summary>
        public string Constant(float[] values, long[] shape, string name) => _context.AddInitializer(values, shape, Reserve(name));

        /// <summary>A float scalar constant.</summary>
        public string Constant(float value, string name) => _context.AddInitializer(value, Reserve(name));

        /// <summary>A one-dimensional int64 constant (shapes, axes).</summary>
        public string Shape(long[] values, string name) => _context.AddInitializer(values, new long[] { values.Length }, Reserve(name));

        /// <summary>Adds a node of the standard domain writing to the given outputs; returns it, for attributes.</summary>
        public OnnxNode Node(string operatorType, string[] inputs, string[] outputs)
            => _context.CreateNode(operatorType, inputs, outputs, _context.GetNodeName($"{_scope}.{operatorType}"), domain: "");

        /// <summary>Adds a node with one output, a new tensor named <paramref name="name"/>; returns the output.</summary>
        public string Apply(string operatorType, string name, params string[] inputs) => Apply(operatorType, name, null, inputs);

        /// <summary>Adds a node with one output and sets its attributes; returns the output.</summary>
        public string Apply(string operatorType, string name, Action<OnnxNode>? attributes, params string[] inputs)
        {
            var output = Tensor(name);
            var node = Node(operatorType, inputs, new[] { output });
            attributes?.Invoke(node);
            return output;
        }

        /// <summary><paramref name="input"/> reshaped (a dimension of -1 is inferred, 0 copied).</summary>
        public string Reshape(string input, long[] shape, string name) => Apply("Reshape", name, input, Shape(shape, name + ".shape"));

        /// <summary><paramref name="input"/> with its dimensions permuted.</summary>
        public string Transpose(string input, long[] permutation, string name)
            => Apply("Transpose", name, node => node.AddAttribute("perm", permutation), input);

        /// <summary><paramref name="input"/> without the given dimensions of size 1 (attribute form: opsets 1 to 12).</summary>
        public string Squeeze(string input, long axis, string name)
            => Apply("Squeeze", name, node => node.AddAttribute("axes", new[] { axis }), input);

        /// <summary><paramref name="input"/> with a dimension of size 1 inserted (attribute form: opsets 1 to 12).</summary>
        public string Unsqueeze(string input, long axis, string name)
            => Apply("Unsqueeze", name, node => node.AddAttribute("axes", new[] { axis }), input);

        /// <summary>Copies <paramref name="input"/> to <paramref name="output"/>, a variable the caller created.</summary>
        public void Identity(string input, string output) => Node("Identity", new[] { input }, new[] { output });

        /// <summary>Removes the keys this graph reserved from the context's column map.</summary>
        public void Dispose()
        {
            foreach (var key in _reservedKeys)
                _context.RemoveColumn(key, removeVariable: false);
            _reservedKeys.Clear();
        }

        /// <summary>A key, derived from <paramref name="name"/>, that no column of the context uses.</summary>
        private string Reserve(string name)
        {
            string key = $"{_scope}.{name}";
            for (int suffix = 1; _context.ContainsColumn(key); suffix++)
                key = $"{_scope}.{name}.{suffix}";
            _reservedKeys.Add(key);
            return key;
        }
    }
}
