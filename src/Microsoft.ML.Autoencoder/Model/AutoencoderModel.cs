using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using Microsoft.ML.Autoencoder.Architectures;
using Microsoft.ML.Autoencoder.Compression;
using Microsoft.ML.Autoencoder.Data;
using Microsoft.ML.Autoencoder.Persistence;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Autoencoder.Model
{
    /// <summary>
    /// The trained state of an autoencoder (as ML.NET's <c>PcaTransformer.TransformInfo</c> is a PCA's): its
    /// description, its network on its device, and its training history; and the one place that runs the network.
    /// Every forward pass goes through <see cref="Forward"/> (rows in, the requested outputs out) or
    /// <see cref="Decode"/> (codes in, rows out), in batches of <see cref="BatchSize"/> rows, serialized by one lock
    /// (a TorchSharp module's forward is not thread-safe). The transformer, its cursor and row mapper, the array API,
    /// the serializer and warm start all call this type; nothing else touches the network.
    /// </summary>
    internal sealed class AutoencoderModel : IDisposable
    {
        /// <summary>The number of rows run through the network at once at inference.</summary>
        public const int BatchSize = 1024;

        private readonly AutoencoderNetwork _network;
        private readonly object _lock = new object();
        private readonly Device _device;
        private bool _disposed;
        private CodeRanges? _codeRanges;
        private byte[]? _fingerprint;

        /// <summary>Takes ownership of a trained (or loaded) network; <paramref name="description"/> must describe it.</summary>
        public AutoencoderModel(AutoencoderModelDescription description, AutoencoderNetwork network, IReadOnlyList<EpochSummary> history)
        {
            Description = description;
            _network = network;
            _network.eval();
            _device = network.parameters().FirstOrDefault()?.device ?? torch.CPU;
            History = history;
        }

        public AutoencoderModelDescription Description { get; }

        /// <summary>One entry per training epoch, in order.</summary>
        public IReadOnlyList<EpochSummary> History { get; }

        /// <summary>
        /// Each latent dimension's range over the training codes, for 8-bit compression; <see langword="null"/> for a model
        /// loaded from a format older than 0x00010004. Set once, by <c>Fit</c> or the loader, before the model is shared.
        /// </summary>
        public CodeRanges? CodeRanges
        {
            get => _codeRanges;
            set
            {
                lock (_lock)
                {
                    _codeRanges = value;
                    _fingerprint = null;
                }
            }
        }

        /// <summary>
        /// The first bytes of a SHA-256 of what decoding compressed codes depends on: the sizes, the variational flag, every
        /// floating-point state tensor (name and values, in state_dict order) and the code ranges. Saving and loading keep
        /// it; any retraining changes it. Compressed codes carry it, so another model's codes are refused.
        /// </summary>
        public byte[] Fingerprint
        {
            get
            {
                lock (_lock)
                {
                    ThrowIfDisposed();
                    return _fingerprint ??= ComputeFingerprint();
                }
            }
        }

        public int InputSize => Description.InputSize;

        public int LatentDimension => Description.LatentDimension;

        /// <summary>
        /// Runs the rows of <paramref name="input"/> through the network and writes the outputs that
        /// <paramref name="outputs"/> asks for (its <see langword="null"/> arrays are not computed).
        /// </summary>
        public void Forward(ForwardInput input, ForwardOutputs outputs)
        {
            bool decode = outputs.Reconstruction is not null || outputs.Errors is not null;
            bool inPlace = input.IsAligned && _device.type == DeviceType.CPU;
            int inputSize = InputSize, latentSize = LatentDimension;
            RunBatches(input.RowCount, (start, rows) =>
            {
                int offset = input.Offset + start * inputSize;
                var x = inPlace
                    ? TensorConversion.View(input.Values, offset, rows, inputSize)
                    : TensorConversion.ToTensor(input.Values.AsSpan(offset), rows, inputSize, _device);
                Tensor code;
                if (outputs.LogVariance is not null)
                {
                    (code, var logVariance) = _network.EncodeDistribution(x);
                    TensorConversion.CopyTo(logVariance, outputs.LogVariance.AsSpan(start * latentSize, rows * latentSize));
                }
                else
                {
                    code = _network.Encode(x);
                }
                if (outputs.Latent is not null)
                    TensorConversion.CopyTo(code, outputs.Latent.AsSpan(start * latentSize, rows * latentSize));
                if (!decode)
                    return;
                var logits = _network.DecodeToLogits(code);
                if (outputs.Reconstruction is not null)
                    TensorConversion.CopyTo(_network.ApplyOutputActivation(logits), outputs.Reconstruction.AsSpan(start * inputSize, rows * inputSize));
                if (outputs.Errors is null)
                    return;
                var rowErrors = outputs.Errors.AsSpan(start, rows);
                if (outputs.ErrorWindow is AnomalyDetection.ErrorWindow window)
                    WriteWindowedErrors(_network.ApplyOutputActivation(logits), x, window, rowErrors);
                else
                    TensorConversion.CopyTo(_network.RowLoss(logits, x, Description.Loss), rowErrors);
            });
        }

        /// <summary>
        /// Writes the error of each row's reconstruction over <paramref name="window"/> into <paramref name="destination"/>:
        /// the residual averaged over each window of each channel (stride 1, no padding), squared, averaged over the windows.
        /// </summary>
        private static void WriteWindowedErrors(Tensor reconstruction, Tensor input, AnomalyDetection.ErrorWindow window, Span<float> destination)
        {
            // Separable window sums from shifted slices: on 256 rows of 28 x 28, 9 ms per 10k rows against 3 ms for the
            // plain error; 0/1 band-matrix products took 23 ms, a convolution with a kernel of ones 40 ms, and
            // avg_pool2d with stride 1 65 ms (one libtorch thread, this repository's AMD EPYC). Accumulated in place, one
            // new tensor per direction (each new tensor of a 1024-row batch costs fresh pages).
            // Only operations without a Scalar argument: TorchSharp 0.107 passes a temporary Scalar's handle without
            // keeping it alive (add's alpha of 1, square's exponent, a divisor), and scoring runs outside the no-GC region
            // that guards training against its finalizer (Platform/NoGarbageCollectionScope.cs). So the sums are
            // accumulated by subtraction (their sign does not matter once squared), and divided by k^4 after the copy.
            long rows = input.shape[0];
            int k = window.Size, across = window.Width - k + 1, down = window.Height - k + 1;
            // The reconstruction is this batch's own tensor, already copied out when asked for: the residual overwrites it.
            var residual = reconstruction.sub_(input).view(rows, window.Channels, window.Height, window.Width);
            var horizontal = residual.narrow(3, 0, across).neg();
            for (int dx = 1; dx < k; dx++)
                horizontal.sub_(residual.narrow(3, dx, across));
            var sums = horizontal.narrow(2, 0, down).neg();
            for (int dy = 1; dy < k; dy++)
                sums.sub_(horizontal.narrow(2, dy, down));
            TensorConversion.CopyTo(sums.mul_(sums).mean(new long[] { 1, 2, 3 }), destination);
            float area = k * k;
            for (int i = 0; i < destination.Length; i++)
                destination[i] /= area * area; // from the squared window sums to their mean, squared
        }

        /// <summary>Decodes <paramref name="rowCount"/> latent codes into rows of <see cref="InputSize"/> values.</summary>
        public void Decode(float[] latent, int rowCount, float[] rows)
        {
            int inputSize = InputSize, latentSize = LatentDimension;
            RunBatches(rowCount, (start, count) =>
            {
                var code = TensorConversion.ToTensor(latent.AsSpan(start * latentSize), count, latentSize, _device);
                TensorConversion.CopyTo(_network.Decode(code), rows.AsSpan(start * inputSize, count * inputSize));
            });
        }

        /// <summary>
        /// Copies this model's weights into <paramref name="network"/>, a new network of the same architecture (warm start).
        /// </summary>
        /// <exception cref="ArgumentException">A parameter is missing or has another shape (the architectures differ).</exception>
        public void CopyWeightsTo(AutoencoderNetwork network)
        {
            lock (_lock)
            {
                ThrowIfDisposed();
                var source = _network.state_dict();
                var target = network.state_dict();
                foreach (var name in source.Keys.Union(target.Keys))
                {
                    if (!source.TryGetValue(name, out var from) || !target.TryGetValue(name, out var to))
                        throw new ArgumentException(
                            $"The initial model's network {(source.ContainsKey(name) ? "has" : "lacks")} the parameter '{name}' that the configured architecture {(source.ContainsKey(name) ? "lacks" : "has")}: configure the initial model's architecture.",
                            nameof(AutoencoderEstimator.Options.InitialModel));
                    if (!from.shape.SequenceEqual(to.shape))
                        throw new ArgumentException(
                            $"The initial model's parameter '{name}' has shape [{string.Join(", ", from.shape)}], but the configured architecture's has [{string.Join(", ", to.shape)}]: configure the initial model's architecture.",
                            nameof(AutoencoderEstimator.Options.InitialModel));
                }
                using var noGrad = torch.no_grad();
                foreach (var (name, tensor) in target)
                    tensor.copy_(source[name]);
            }
        }

        /// <summary>
        /// Copies the network's floating-point state (parameters and buffers such as BatchNorm's running statistics) to
        /// managed arrays, by <c>state_dict</c> name, with each tensor's shape (the ONNX export reads its weights from it).
        /// </summary>
        public IReadOnlyDictionary<string, (float[] Values, long[] Shape)> CopyState()
        {
            lock (_lock)
            {
                ThrowIfDisposed();
                using var noGrad = torch.no_grad();
                using var scope = torch.NewDisposeScope();
                var state = new Dictionary<string, (float[] Values, long[] Shape)>(StringComparer.Ordinal);
                foreach (var (name, tensor) in _network.state_dict())
                {
                    if (tensor.dtype != ScalarType.Float32)
                        continue;
                    var values = new float[tensor.numel()];
                    TensorConversion.CopyTo(tensor, values);
                    state[name] = (values, tensor.shape);
                }
                return state;
            }
        }

        private byte[] ComputeFingerprint()
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData("Microsoft.ML.Autoencoder model fingerprint 1"u8);
            hash.AppendData(BitConverter.GetBytes(InputSize));
            hash.AppendData(BitConverter.GetBytes(LatentDimension));
            hash.AppendData(BitConverter.GetBytes(Description.IsVariational));
            using (var scope = torch.NewDisposeScope())
            {
                foreach (var (name, tensor) in _network.state_dict())
                {
                    if (tensor.dtype != ScalarType.Float32)
                        continue;
                    hash.AppendData(System.Text.Encoding.UTF8.GetBytes(name));
                    hash.AppendData(tensor.detach().cpu().contiguous().bytes);
                }
            }
            hash.AppendData(BitConverter.GetBytes(_codeRanges is not null));
            if (_codeRanges is CodeRanges ranges)
            {
                hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(ranges.Minimum.AsSpan()));
                hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(ranges.Maximum.AsSpan()));
            }
            return hash.GetHashAndReset().AsSpan(0, CompressedCodeFormat.FingerprintSize).ToArray();
        }

        /// <summary>Writes the model for <c>mlContext.Model.Save</c> (see <see cref="AutoencoderModelSerializer"/>).</summary>
        public void Save(ModelSaveContext ctx)
        {
            lock (_lock)
            {
                ThrowIfDisposed();
                AutoencoderModelSerializer.Save(ctx, Description, _network, History, _codeRanges);
            }
        }

        /// <summary>Frees the network's native memory; the model cannot be used afterwards.</summary>
        public void Dispose()
        {
            lock (_lock)
            {
                if (_disposed)
                    return;
                _disposed = true;
                _network.Dispose();
            }
        }

        /// <summary>
        /// Runs <paramref name="batch"/> for each batch of up to <see cref="BatchSize"/> of <paramref name="rowCount"/>
        /// rows (its arguments: the first row and the row count), under the lock, without gradients, each batch in a
        /// dispose scope of its own.
        /// </summary>
        private void RunBatches(int rowCount, Action<int, int> batch)
        {
            lock (_lock)
            {
                ThrowIfDisposed();
                using var noGrad = torch.no_grad();
                for (int start = 0; start < rowCount; start += BatchSize)
                {
                    using var scope = torch.NewDisposeScope();
                    batch(start, Math.Min(BatchSize, rowCount - start));
                }
            }
        }

        private void ThrowIfDisposed()
        {
            if (_disposed)
                throw new ObjectDisposedException(nameof(AutoencoderTransformer),
                    "The autoencoder was disposed, which freed its network: that happens once it has been disposed once for itself and once for each PredictionEngine "
                    + "made from it (an engine created with default options disposes its model when it is disposed; see docs/reliability.md).");
        }
    }
}
