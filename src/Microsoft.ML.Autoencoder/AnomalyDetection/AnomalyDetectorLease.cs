using System;
using System.Collections.Generic;
using System.Threading;

namespace Microsoft.ML.Autoencoder.AnomalyDetection
{
    /// <summary>
    /// Who may still use a detector's autoencoder: every transformer made from it (the trained one and those of
    /// <c>WithThreshold</c>) and every row mapper handed out (one per <c>PredictionEngine</c>) hold it once; each
    /// <c>Dispose</c> releases one hold, and the last frees the autoencoders' networks (as <see cref="AutoencoderTransformer"/>
    /// counts its engines).
    /// </summary>
    internal sealed class AnomalyDetectorLease
    {
        private readonly IReadOnlyList<AutoencoderTransformer> _members;
        private int _holds = 1;

        public AnomalyDetectorLease(IReadOnlyList<AutoencoderTransformer> members) => _members = members;

        /// <summary>Adds a hold; throws when the network was freed.</summary>
        public void Hold()
        {
            int holds;
            do
            {
                holds = Volatile.Read(ref _holds);
                if (holds == 0)
                    throw new ObjectDisposedException(nameof(AutoencoderAnomalyTransformer), "The anomaly detector was disposed, which freed its autoencoder's network.");
            }
            while (Interlocked.CompareExchange(ref _holds, holds + 1, holds) != holds);
        }

        /// <summary>Releases a hold; the last one frees the networks.</summary>
        public void Release()
        {
            int holds;
            do
            {
                holds = Volatile.Read(ref _holds);
                if (holds == 0)
                    return;
            }
            while (Interlocked.CompareExchange(ref _holds, holds - 1, holds) != holds);
            if (holds == 1)
            {
                foreach (var member in _members)
                    member.Dispose();
            }
        }
    }
}
