using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.Autoencoder.Tests.Architectures;

namespace Microsoft.ML.Autoencoder.Tests.Onnx
{
    /// <summary>
    /// Small trained autoencoders of every architecture and option that changes the exported graph (activations,
    /// batch normalization with trained running statistics, dropout, losses, output activations, variational heads,
    /// odd image sides, stacked recurrent layers), each trained for two epochs on a few seeded rows.
    /// </summary>
    internal static class OnnxTestModels
    {
        public static readonly string[] Configurations =
        {
            "dense-relu-mse",
            "dense-leakyrelu-batchnorm-dropout",
            "dense-gelu-l1-identity-asymmetric",
            "dense-tanh-bce",
            "dense-sigmoid-linear",
            "dense-variational-batchnorm",
            "conv",
            "conv-2channels-7x5-batchnorm-gelu",
            "conv-variational-kernel5-stride3",
            "lstm",
            "lstm-2layers-identity",
            "gru-2layers",
            "gru-variational",
        };

        /// <summary>A model trained as <paramref name="configuration"/> says, and held-out rows (flat) to run it on.</summary>
        public static (AutoencoderTransformer Model, float[] Rows, int RowCount) Train(string configuration)
        {
            var options = new AutoencoderEstimator.Options
            {
                LatentDimension = 3,
                ReconstructionColumnName = "Reconstruction",
                ReconstructionErrorColumnName = "Error",
                MaximumNumberOfEpochs = 2,
                BatchSize = 16,
                LearningRate = 1e-2f,
                Seed = 1,
            };
            float[][] train, test;
            int[] dimensions;
            string[] parts = configuration.Split('-');
            switch (parts[0])
            {
                case "dense":
                    dimensions = new[] { 20 };
                    train = SyntheticData.LowRankRows(64, 20, 3, seed: 1);
                    test = SyntheticData.LowRankRows(10, 20, 3, seed: 2);
                    options.Architecture = new DenseArchitecture
                    {
                        HiddenSizes = parts.Contains("linear") ? Array.Empty<int>() : new[] { 12, 6 },
                        DecoderHiddenSizes = parts.Contains("asymmetric") ? new[] { 5, 9, 11 } : null,
                        Activation = Activation(parts),
                        BatchNormalization = parts.Contains("batchnorm"),
                        Dropout = parts.Contains("dropout") ? 0.2f : 0,
                    };
                    break;
                case "conv":
                    bool odd = parts.Contains("7x5");
                    dimensions = odd ? new[] { 2, 7, 5 } : new[] { 1, 8, 8 };
                    int size = dimensions.Aggregate(1, (a, b) => a * b);
                    train = odd ? ShapedData.Uniform(64, size, seed: 1) : ShapedData.BlobsAndBars(64, 8, seed: 1);
                    test = odd ? ShapedData.Uniform(10, size, seed: 2) : ShapedData.BlobsAndBars(10, 8, seed: 2);
                    options.Architecture = new ConvolutionalArchitecture
                    {
                        FilterCounts = new[] { 4, 6 },
                        KernelSize = parts.Contains("kernel5") ? 5 : 3,
                        Stride = parts.Contains("stride3") ? 3 : 2,
                        Activation = Activation(parts),
                        BatchNormalization = parts.Contains("batchnorm"),
                    };
                    break;
                default:
                    dimensions = new[] { 6, 2 };
                    train = ShapedData.NoisySines(64, 6, 2, seed: 1);
                    test = ShapedData.NoisySines(10, 6, 2, seed: 2);
                    options.Architecture = new RecurrentArchitecture
                    {
                        Cell = parts[0] == "gru" ? RecurrentCell.Gru : RecurrentCell.Lstm,
                        HiddenSize = 8,
                        Layers = parts.Contains("2layers") ? 2 : 1,
                    };
                    options.OutputActivation = OutputActivation.Identity;
                    break;
            }
            if (parts.Contains("identity"))
                options.OutputActivation = OutputActivation.Identity;
            if (parts.Contains("l1"))
                options.Loss = ReconstructionLoss.L1;
            if (parts.Contains("bce"))
                options.Loss = ReconstructionLoss.BinaryCrossEntropy;
            if (parts.Contains("variational"))
            {
                options.Variational = new VariationalOptions();
                options.LogVarianceColumnName = "LogVariance";
            }
            var ml = new MLContext(seed: 1);
            var model = ml.Transforms.Autoencoder(options).Fit(ShapedData.ToDataView(ml, train, dimensions));
            return (model, test.SelectMany(row => row).ToArray(), test.Length);
        }

        /// <summary>The bytes an export method writes.</summary>
        public static byte[] Export(Action<Stream> save)
        {
            using var stream = new MemoryStream();
            save(stream);
            return stream.ToArray();
        }

        private static ActivationFunction Activation(IEnumerable<string> parts)
        {
            foreach (var part in parts)
            {
                switch (part)
                {
                    case "leakyrelu": return ActivationFunction.LeakyReLU;
                    case "gelu": return ActivationFunction.GELU;
                    case "tanh": return ActivationFunction.Tanh;
                    case "sigmoid": return ActivationFunction.Sigmoid;
                }
            }
            return ActivationFunction.ReLU;
        }
    }
}
