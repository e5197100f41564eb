using System;
using Microsoft.ML.Autoencoder.Onnx;
using Microsoft.ML.Model.OnnxConverter;

namespace Microsoft.ML.Autoencoder.Data
{
    /// <summary>
    /// The transformer's output view as ML.NET's ONNX converter sees it: a data transform over its source that can
    /// write itself as ONNX (ML.NET's internal <see cref="ITransformCanSaveOnnx"/>; see <see cref="PipelineOnnxExport"/>).
    /// </summary>
    internal sealed partial class AutoencoderDataView : ITransformCanSaveOnnx
    {
        /// <summary>The view the autoencoder reads its input column from.</summary>
        public IDataView Source => _source;

        /// <summary>Always <see langword="true"/>: every architecture exports; what cannot fails in <see cref="SaveAsOnnx"/>, naming it.</summary>
        public bool CanSaveOnnx(OnnxContext ctx) => true;

        /// <summary>Writes the autoencoder's output columns into the ONNX graph being built.</summary>
        public void SaveAsOnnx(OnnxContext ctx) => PipelineOnnxExport.SaveAsOnnx(ctx, _model);

        /// <summary>
        /// Not supported: a data view is not the unit ML.NET saves. Save the transformer (alone or in its pipeline) with
        /// <c>mlContext.Model.Save</c>.
        /// </summary>
        void ICanSaveModel.Save(ModelSaveContext ctx)
            => throw new NotSupportedException($"The autoencoder's output view is not saved on its own: save the {nameof(AutoencoderTransformer)} (or its pipeline) with mlContext.Model.Save.");
    }
}
