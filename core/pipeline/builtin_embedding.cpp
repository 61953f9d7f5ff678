// Wiring of the built-in embedding's stages up to the hard clusters; each stage lives in its own file.
#include "pipeline/builtin_embedding.h"

#include <algorithm>

#include "pipeline/builtin_statistics.h"

namespace diarize {

BuiltinClusters cluster_builtin_features(const FeatureMatrix& features, const ChunkSegmentation& segmentation,
                                         const SpeakerBounds& bounds, const BuiltinPlda& plda,
                                         const BuiltinEmbeddingConfig& config) {
  const ChunkActivity activity = project_segmentation(segmentation, features.num_frames,
                                                      features.frame_shift_s, features.frame_length_s);
  const Tracks stitched = stitch_local_speakers(activity, config.stitch);
  Tracks tracks = split_tracks_at_voice_changes(features, activity, stitched,
                                                assign_clean_frames(activity, stitched), config.split);
  // With a count asked from above, the clustering needs at least that many pieces to work with.
  const int min_speakers = bounds.num_speakers ? bounds.num_speakers : bounds.min_speakers;
  if (min_speakers > 1) {
    const std::vector<int> clean = member_clean_frames(activity);
    std::vector<bool> eligible(clean.size());
    for (size_t i = 0; i < clean.size(); ++i) eligible[i] = clean[i] >= config.min_speaker_frames;
    tracks = split_tracks_to_count(features, activity, tracks, assign_clean_frames(activity, tracks), eligible,
                                   min_speakers, config.split);
  }
  const std::vector<int> frame_track = assign_clean_frames(activity, tracks);
  const std::vector<GaussianStats> clean = track_statistics(features, frame_track, tracks.num_tracks);
  const std::vector<GaussianStats> active = track_active_statistics(features, activity, tracks);
  const std::vector<int> cluster_of =
      cluster_tracks(clean, active, cannot_link_chunks(activity, tracks, config.stitch.min_cannot_link_clean_frames),
                     bounds, plda, config.clustering);

  BuiltinClusters out;
  out.num_chunks = segmentation.num_chunks;
  out.num_local = segmentation.num_local;
  out.num_tracks = tracks.num_tracks;
  out.track_of = tracks.track_of;
  out.hard_clusters.assign(tracks.track_of.size(), -2);
  for (size_t i = 0; i < tracks.track_of.size(); ++i)
    if (tracks.track_of[i] >= 0) out.hard_clusters[i] = cluster_of[tracks.track_of[i]];
  for (int k : cluster_of) out.num_clusters = std::max(out.num_clusters, k + 1);

  // The refinement's Gaussians: each cluster's clean frames pooled.
  std::vector<GaussianStats> pooled(out.num_clusters, GaussianStats(features.dim));
  for (int k = 0; k < tracks.num_tracks; ++k) pooled[cluster_of[k]].merge(clean[k]);
  const std::vector<int> before_refinement = out.hard_clusters;
  if (out.num_clusters > 1 &&
      refine_member_clusters(features, activity, pooled, config.refinement, out.hard_clusters) > 0) {
    // Renumber by first appearance (a cluster may have lost all its members).
    std::vector<int> renumber(out.num_clusters, -1);
    int next = 0;
    for (int& k : out.hard_clusters) {
      if (k < 0) continue;
      if (renumber[k] < 0) renumber[k] = next++;
      k = renumber[k];
    }
    if (next < std::min(out.num_clusters, min_speakers)) {
      // The refinement emptied a cluster the asked count needs: keep the clustering's answer.
      out.hard_clusters = before_refinement;
    } else {
      out.num_clusters = next;
    }
  }
  return out;
}

}  // namespace diarize
