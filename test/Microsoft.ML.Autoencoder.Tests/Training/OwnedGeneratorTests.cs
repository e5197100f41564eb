using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Autoencoder.Architectures;
using Microsoft.ML.Autoencoder.Tests.Data;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.Autoencoder.Tests.Training
{
    /// <summary>
    /// What the training draws from its own generators is exactly what TorchSharp's layers draw from torch's global
    /// generator: the same initial weights and dropout masks for a generator in the same state, so the distributions are
    /// TorchSharp's defaults and seeded trainings give the models they gave when they drew from the global generator.
    /// Runs alone: it seeds torch's global generator.
    /// </summary>
    [Collection(NativeMemoryCollection.Name)]
    public class OwnedGeneratorTests
    {
        private const int Seed = 7;

        /// <summary>The parameters TorchSharp's own layers draw, built in the network's order, after <c>manual_seed(Seed)</c>.</summary>
        private static float[][] TorchSharpDefaults(Func<IEnumerable<nn.Module>> buildInOrder)
        {
            lock (AutoencoderNetwork.GlobalGeneratorLock)
            {
                using var state = torch.get_rng_state();
                try
                {
                    torch.manual_seed(Seed);
                    var layers = buildInOrder().ToList();
                    var values = layers.SelectMany(layer => layer.parameters()).Select(p => p.data<float>().ToArray()).ToArray();
                    layers.ForEach(layer => layer.Dispose());
                    return values;
                }
                finally
                {
                    torch.set_rng_state(state);
                }
            }
        }

        private static IEnumerable<nn.Module> DenseLayers()
        {
            // HiddenSizes [16, 8] with batch normalization, 20 inputs, latent 3; the decoder mirrors the encoder.
            yield return nn.Linear(20, 16);
            yield return nn.BatchNorm1d(16);
            yield return nn.Linear(16, 8);
            yield return nn.BatchNorm1d(8);
            yield return nn.Linear(8, 3);
            yield return nn.Linear(3, 8);
            yield return nn.BatchNorm1d(8);
            yield return nn.Linear(8, 16);
            yield return nn.BatchNorm1d(16);
            yield return nn.Linear(16, 20);
        }

        private static IEnumerable<nn.Module> ConvolutionalLayers()
        {
            // FilterCounts [4, 8], kernel 3, stride 2, padding 1, batch normalization, 1 x 8 x 8 images (8 x 2 x 2 after the convolutions), latent 3.
            yield return nn.Conv2d(1, 4, 3, stride: 2, padding: 1);
            yield return nn.BatchNorm2d(4);
            yield return nn.Conv2d(4, 8, 3, stride: 2, padding: 1);
            yield return nn.BatchNorm2d(8);
            yield return nn.Linear(32, 3);
            yield return nn.Linear(3, 32);
            yield return nn.ConvTranspose2d(8, 4, 3, stride: 2, padding: 1, output_padding: 1);
            yield return nn.BatchNorm2d(4);
            yield return nn.ConvTranspose2d(4, 1, 3, stride: 2, padding: 1, output_padding: 1);
        }

        private static IEnumerable<nn.Module> RecurrentLayers(RecurrentCell cell)
        {
            // 2 layers of 8, 6 timesteps x 2 features, latent 3.
            nn.Module Recurrent(int input) => cell == RecurrentCell.Lstm ? nn.LSTM(input, 8, 2, batchFirst: true) : nn.GRU(input, 8, 2, batchFirst: true);
            yield return Recurrent(2);
            yield return nn.Linear(8, 3);
            yield return nn.Linear(3, 8);
            yield return nn.Linear(3, 16);
            yield return Recurrent(8);
            yield return nn.Linear(8, 2);
        }

        public static TheoryData<string> Architectures => new TheoryData<string> { "dense", "convolutional", "LSTM", "GRU" };

        [Theory]
        [MemberData(nameof(Architectures))]
        public void InitializeParameters_GeneratorInTheGlobalGeneratorsState_GivesTorchSharpsDefaultWeights(string kind)
        {
            var (architecture, inputSize, layers) = kind switch
            {
                "dense" => ((AutoencoderArchitecture)new DenseArchitecture { HiddenSizes = new[] { 16, 8 }, BatchNormalization = true }, 20, (Func<IEnumerable<nn.Module>>)DenseLayers),
                "convolutional" => (new ConvolutionalArchitecture { Channels = 1, Height = 8, Width = 8, FilterCounts = new[] { 4, 8 }, BatchNormalization = true }, 64, ConvolutionalLayers),
                _ => (new RecurrentArchitecture { Timesteps = 6, FeaturesPerStep = 2, HiddenSize = 8, Layers = 2, Cell = kind == "LSTM" ? RecurrentCell.Lstm : RecurrentCell.Gru }, 12,
                    () => RecurrentLayers(kind == "LSTM" ? RecurrentCell.Lstm : RecurrentCell.Gru)),
            };
            var expected = TorchSharpDefaults(layers);
            using var network = architecture.CreateNetwork(inputSize, 3, OutputActivation.Sigmoid, isVariational: false);
            using var generator = new Generator(Seed);

            network.InitializeParameters(generator);

            var actual = network.parameters().Select(p => p.data<float>().ToArray()).ToArray();
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
                Assert.Equal(expected[i], actual[i]);
        }

        [Fact]
        public void CreateNetwork_Twice_GivesTheSameWeightsAndLeavesTorchsGlobalGeneratorAlone()
        {
            var architecture = new RecurrentArchitecture { Timesteps = 6, FeaturesPerStep = 2, HiddenSize = 8 };
            lock (AutoencoderNetwork.GlobalGeneratorLock)
            {
                torch.manual_seed(123);
                using var expected = torch.rand(8);
                torch.manual_seed(123);
                using var first = architecture.CreateNetwork(12, 3, OutputActivation.Sigmoid, isVariational: false);
                using var second = new DenseArchitecture().CreateNetwork(12, 3, OutputActivation.Sigmoid, isVariational: false);
                using var third = architecture.CreateNetwork(12, 3, OutputActivation.Sigmoid, isVariational: false);
                using var actual = torch.rand(8);

                Assert.Equal(expected.data<float>().ToArray(), actual.data<float>().ToArray());
                Assert.Equal(first.parameters().Select(p => p.data<float>().ToArray()), third.parameters().Select(p => p.data<float>().ToArray()));
                Assert.Contains(first.parameters(), p => p.abs().max().item<float>() > 0); // drawn, not left at zero
            }
        }

        [Fact]
        public void GeneratorDropout_TrainingMode_DrawsTheMasksOfTorchSharpsDropoutOnAnEquallySeededGlobalGenerator()
        {
            using var scope = torch.NewDisposeScope();
            using var inputs = new Generator(1);
            var input = torch.rand(new long[] { 64, 32 }, generator: inputs);
            Tensor expected;
            lock (AutoencoderNetwork.GlobalGeneratorLock)
            {
                using var state = torch.get_rng_state();
                torch.manual_seed(Seed);
                using var dropout = nn.Dropout(0.2f);
                expected = dropout.call(input);
                torch.set_rng_state(state);
            }
            using var generator = new Generator(Seed);
            using var owned = new GeneratorDropout(0.2f) { Generator = generator };

            var actual = owned.call(input);

            Assert.Equal(expected.data<float>().ToArray(), actual.data<float>().ToArray());
            Assert.Contains(actual.data<float>().ToArray(), value => value == 0);
        }

        [Fact]
        public void GeneratorDropout_WithoutGenerator_PassesThroughInEvaluationAndRefusesToTrain()
        {
            using var scope = torch.NewDisposeScope();
            var input = torch.ones(4, 5);
            using var dropout = new GeneratorDropout(0.5);

            dropout.eval();
            Assert.Equal(input.data<float>().ToArray(), dropout.call(input).data<float>().ToArray());
            dropout.train();
            Assert.Throws<InvalidOperationException>(() => dropout.call(input));
        }
    }
}
