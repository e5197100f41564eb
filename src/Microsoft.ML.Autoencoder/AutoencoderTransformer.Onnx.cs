using System;
using System.IO;
using Microsoft.ML.Autoencoder.Onnx;

namespace Microsoft.ML.Autoencoder
{
    // ONNX export of the trained network alone (docs/onnx.md). Inside a pipeline, mlContext.Model.ConvertToOnnx
    // exports the autoencoder with the other steps (Onnx/PipelineOnnxExport.cs).
    public sealed partial class AutoencoderTransformer
    {
        /// <summary>
        /// Writes the encoder as an ONNX model: input <see cref="InputColumnName"/>, a float tensor <c>[batch, InputSize]</c>;
        /// output <see cref="LatentColumnName"/> (<c>Latent</c> when the model has no latent column), <c>[batch, LatentDimension]</c>,
        /// as <see cref="Encode(float[])"/> computes it (for a variational model, the mean), and for a variational model also
        /// <see cref="LogVarianceColumnName"/> (<c>LogVariance</c> by default). Any batch size; opset 12; runs in ONNX Runtime
        /// without TorchSharp.
        /// </summary>
        /// <param name="stream">The stream to write the model to (left open).</param>
        /// <exception cref="NotSupportedException">Some part of the network has no ONNX form; the message names it.</exception>
        /// <exception cref="ObjectDisposedException">The transformer was disposed.</exception>
        /// <remarks>
        /// Rows are not checked: where the transformer rejects a row with a NaN or infinite value, the ONNX model returns
        /// NaN or infinite values for it. See docs/onnx.md.
        /// </remarks>
        public void SaveEncoderAsOnnx(Stream stream) => SaveAsOnnx(OnnxModelPart.Encoder, stream);

        /// <summary>
        /// Writes the decoder as an ONNX model: input <see cref="LatentColumnName"/> (<c>Latent</c> when the model has no latent
        /// column), a float tensor <c>[batch, LatentDimension]</c>; output <see cref="ReconstructionColumnName"/>
        /// (<c>Reconstruction</c> by default), <c>[batch, InputSize]</c>, as <see cref="Decode(float[])"/> computes it (output
        /// activation included). Any batch size; opset 12.
        /// </summary>
        /// <param name="stream">The stream to write the model to (left open).</param>
        /// <exception cref="NotSupportedException">Some part of the network has no ONNX form; the message names it.</exception>
        /// <exception cref="ObjectDisposedException">The transformer was disposed.</exception>
        public void SaveDecoderAsOnnx(Stream stream) => SaveAsOnnx(OnnxModelPart.Decoder, stream);

        /// <summary>
        /// Writes what <see cref="Transform"/> adds as an ONNX model: input <see cref="InputColumnName"/>, a float tensor
        /// <c>[batch, InputSize]</c>; one output per output column of the transformer, named after it (latent and log-variance
        /// <c>[batch, LatentDimension]</c>, reconstruction <c>[batch, InputSize]</c>, reconstruction error <c>[batch, 1]</c>).
        /// Any batch size; opset 12. To export a whole pipeline, use <c>mlContext.Model.ConvertToOnnx</c> instead.
        /// </summary>
        /// <param name="stream">The stream to write the model to (left open).</param>
        /// <exception cref="NotSupportedException">Some part of the network has no ONNX form; the message names it.</exception>
        /// <exception cref="ObjectDisposedException">The transformer was disposed.</exception>
        /// <remarks>
        /// Rows are not checked: where the transformer rejects a row with a NaN or infinite value, the ONNX model returns
        /// NaN or infinite values for it. See docs/onnx.md.
        /// </remarks>
        public void SaveAsOnnx(Stream stream) => SaveAsOnnx(OnnxModelPart.Transformer, stream);

        private void SaveAsOnnx(OnnxModelPart part, Stream stream)
        {
            if (stream is null)
                throw new ArgumentNullException(nameof(stream));
            StandaloneOnnxExport.Save(_model, part, stream);
        }
    }
}
