#!/usr/bin/env bash
# Regenerates the small media fixtures the labeling tests read (committed, so the unit tests do not
# need ffmpeg). Synthetic tones and test patterns only. Run from this directory with ffmpeg 5.x.
set -euo pipefail
ff() { ffmpeg -v error -y -bitexact "$@"; }
tone=(-f lavfi -i "sine=frequency=440:duration=0.5:sample_rate=8000")

# MP3 with ID3v2.3 tags (title, year, genre) and an ID3v1 trailer, as many encoders still write.
ff "${tone[@]}" -ac 1 -c:a libmp3lame -b:a 32k -id3v2_version 3 -write_id3v1 1 \
   -metadata title="Tone" -metadata date=2024 -metadata genre=Speech -metadata artist="Test" tone.mp3
# MP3 with no tag at all.
ff "${tone[@]}" -ac 1 -c:a libmp3lame -b:a 32k -id3v2_version 0 -write_xing 0 bare.mp3
ff "${tone[@]}" -ac 1 -c:a flac -metadata title="Tone" tone.flac
ff "${tone[@]}" -ac 1 -c:a libvorbis -q:a 0 -metadata title="Tone" tone.ogg
ff -f lavfi -i "sine=frequency=440:duration=0.5:sample_rate=48000" -ac 1 -c:a libopus -b:a 16k \
   -metadata title="Tone" tone.opus
# MP4 (faststart: moov before mdat) and MOV (moov after mdat), 1 s, H.264 + AAC; M4A audio only.
ff -f lavfi -i "testsrc=size=64x48:rate=10:duration=1" -f lavfi -i "sine=duration=1:sample_rate=8000" \
   -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -b:a 16k -shortest \
   -metadata title="Clip" -movflags +faststart clip.mp4
ff -f lavfi -i "testsrc=size=64x48:rate=10:duration=1" -c:v libx264 -preset ultrafast \
   -pix_fmt yuv420p -metadata title="Clip" clip.mov
ff "${tone[@]}" -c:a aac -b:a 16k -metadata title="Tone" -metadata artist="Test" tone.m4a
# moov reserved at the front with free padding after it (-moov_size), and two fragmented files:
# relative offsets (default_base_moof, no mfra) and absolute ones (tfhd base offset + mfra).
pattern=(-f lavfi -i "testsrc=size=64x48:rate=10:duration=1" -c:v libx264 -preset ultrafast -pix_fmt yuv420p)
ff "${pattern[@]}" -moov_size 4096 reserved.mp4
ff "${pattern[@]}" -g 5 -movflags frag_keyframe+empty_moov+default_base_moof+skip_trailer frag.mp4
ff "${pattern[@]}" -g 5 -movflags frag_keyframe+empty_moov frag_abs.mp4
# ffmpeg's own mdta keys (use_metadata_tags) with an AIGC key in the middle of other keys.
ff -i clip.mov -c copy -metadata AIGC='{"Label":"1"}' -metadata comment=kept \
   -movflags use_metadata_tags tagged.mov
