using System;

namespace Microsoft.ML.Autoencoder.Model
{
    /// <summary>
    /// The rules that a model's description obeys, stated once: the estimator checks its options with them before
    /// training (as <see cref="ArgumentException"/>s naming the option) and the serializer checks a description read
    /// from a file with them (as <see cref="System.IO.InvalidDataException"/>s), so that a file can never describe a
    /// model that training could not have made.
    /// </summary>
    internal static class ModelRules
    {
        /// <summary>Makes the exception for a broken rule: the option it is about, the message, and whether a value is out of range.</summary>
        public delegate Exception Failure(string option, string message, bool outOfRange);

        /// <summary>
        /// Throws the first broken rule, made by <paramref name="fail"/>. The input size is <see langword="null"/> while it
        /// is not known (options before training).
        /// </summary>
        public static void Check(
            string? inputColumnName, string? latentColumnName, string? logVarianceColumnName, string? reconstructionColumnName, string? reconstructionErrorColumnName,
            int latentDimension, int? inputSize, OutputActivation outputActivation, ReconstructionLoss loss, bool isVariational,
            NonFiniteInputHandling nonFiniteInput, AutoencoderArchitecture? architecture, Failure fail)
        {
            if (string.IsNullOrWhiteSpace(inputColumnName))
                throw fail("InputColumnName", "The input column name must be given.", false);
            var outputs = new[]
            {
                (Name: latentColumnName, Option: "LatentColumnName"),
                (Name: logVarianceColumnName, Option: "LogVarianceColumnName"),
                (Name: reconstructionColumnName, Option: "ReconstructionColumnName"),
                (Name: reconstructionErrorColumnName, Option: "ReconstructionErrorColumnName"),
            };
            if (Array.TrueForAll(outputs, output => output.Name is null))
                throw fail("LatentColumnName", "At least one output column (latent, log-variance, reconstruction or reconstruction error) must be named.", false);
            for (int i = 0; i < outputs.Length; i++)
            {
                if (outputs[i].Name is string name && string.IsNullOrWhiteSpace(name))
                    throw fail(outputs[i].Option, "A column name must not be empty; use null for no column.", false);
                for (int j = 0; j < i; j++)
                {
                    if (outputs[i].Name is not null && outputs[i].Name == outputs[j].Name)
                        throw fail(outputs[i].Option, $"{outputs[i].Option} and {outputs[j].Option} both name the column '{outputs[i].Name}': the output columns must have different names.", false);
                }
            }
            if (logVarianceColumnName is not null && !isVariational)
                throw fail("LogVarianceColumnName", "Only a variational model has a log-variance: set Variational, or set LogVarianceColumnName to null.", false);
            if (latentDimension <= 0)
                throw fail("LatentDimension", $"The latent dimension must be positive, but is {latentDimension}.", true);
            if (inputSize is int size && latentDimension >= size)
                throw fail("LatentDimension", $"The latent dimension {latentDimension} must be smaller than the size of input column '{inputColumnName}' ({size}).", true);
            if (!Enum.IsDefined(outputActivation))
                throw fail("OutputActivation", $"Unknown output activation {(int)outputActivation}.", true);
            if (!Enum.IsDefined(loss))
                throw fail("Loss", $"Unknown loss {(int)loss}.", true);
            if (loss == ReconstructionLoss.BinaryCrossEntropy && outputActivation != OutputActivation.Sigmoid)
                throw fail("OutputActivation", "Binary cross-entropy needs the sigmoid output activation.", false);
            if (!Enum.IsDefined(nonFiniteInput))
                throw fail("NonFiniteInput", $"Unknown handling of non-finite input {(int)nonFiniteInput}.", true);
            if (architecture is null)
                throw fail("Architecture", "The architecture must be given.", false);
            architecture.Validate();
        }
    }
}
