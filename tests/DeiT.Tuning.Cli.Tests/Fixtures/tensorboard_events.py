"""Writes tensorboard-events.json: TFRecord-framed tensorboard.Event records serialized by Google's protobuf library
(Debian's python3-protobuf, messages compiled by protoc from the field definitions of TensorBoard's event.proto,
summary.proto, tensor.proto and the HParams plugin's api.proto / plugin_data.proto, the subset the exporter writes),
framed with CRC-32C from python3-crcmod, for TensorBoardEventsTests: our serializer must give the same bytes.

usage: /usr/bin/python3 tensorboard_events.py > tensorboard-events.json   (needs protobuf-compiler)"""
import importlib
import json
import os
import struct
import subprocess
import sys
import tempfile

import crcmod.predefined

PROTO = r'''
syntax = "proto3";
package tbsubset;
import "google/protobuf/struct.proto";

message TensorShapeProto { message Dim { int64 size = 1; string name = 2; } repeated Dim dim = 2; bool unknown_rank = 3; }
message TensorProto { int32 dtype = 1; TensorShapeProto tensor_shape = 2; repeated float float_val = 5 [packed = true]; }
message SummaryMetadata {
  message PluginData { string plugin_name = 1; bytes content = 2; }
  PluginData plugin_data = 1; string display_name = 2; string summary_description = 3; int32 data_class = 4;
}
message Summary {
  message Value {
    string node_name = 7; string tag = 1; SummaryMetadata metadata = 9;
    oneof value { float simple_value = 2; TensorProto tensor = 8; }
  }
  repeated Value value = 1;
}
message Event { double wall_time = 1; int64 step = 2; oneof what { string file_version = 3; Summary summary = 5; } }

message Interval { double min_value = 1; double max_value = 2; }
message HParamInfo {
  string name = 1; string display_name = 2; string description = 3; int32 type = 4;
  oneof domain { google.protobuf.ListValue domain_discrete = 5; Interval domain_interval = 6; }
}
message MetricName { string group = 1; string tag = 2; }
message MetricInfo { MetricName name = 1; string display_name = 3; string description = 4; int32 dataset_type = 5; }
message Experiment {
  string name = 6; string description = 1; string user = 2; double time_created_secs = 3;
  repeated HParamInfo hparam_infos = 4; repeated MetricInfo metric_infos = 5;
}
message SessionStartInfo {
  map<string, google.protobuf.Value> hparams = 1; string model_uri = 2; string monitor_url = 3; string group_name = 4;
  double start_time_secs = 5;
}
message SessionEndInfo { int32 status = 1; double end_time_secs = 2; }
message HParamsPluginData {
  int32 version = 1;
  oneof data { Experiment experiment = 2; SessionStartInfo session_start_info = 3; SessionEndInfo session_end_info = 4; }
}
'''

folder = tempfile.mkdtemp()
with open(os.path.join(folder, "tbsubset.proto"), "w") as f:
    f.write(PROTO)
subprocess.check_call(["protoc", f"--proto_path={folder}", "--proto_path=/usr/include", f"--python_out={folder}", "tbsubset.proto"])
sys.path.insert(0, folder)
pb = importlib.import_module("tbsubset_pb2")
from google.protobuf import struct_pb2

crc32c = crcmod.predefined.mkCrcFun("crc-32c")


def masked(data):
    crc = crc32c(data)
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def record(event):
    data = event.SerializeToString(deterministic=True)
    length = struct.pack("<Q", len(data))
    return length + struct.pack("<I", masked(length)) + data + struct.pack("<I", masked(data))


NULL_TENSOR = pb.TensorProto(dtype=1, tensor_shape=pb.TensorShapeProto(dim=[pb.TensorShapeProto.Dim(size=0)]))


def hparams_event(wall, tag, **data):
    content = pb.HParamsPluginData(version=0, **data).SerializeToString(deterministic=True)
    metadata = pb.SummaryMetadata(plugin_data=pb.SummaryMetadata.PluginData(plugin_name="hparams", content=content))
    return pb.Event(wall_time=wall, summary=pb.Summary(value=[pb.Summary.Value(tag=tag, metadata=metadata, tensor=NULL_TENSOR)]))


def scalar(wall, step, tag, value):
    return pb.Event(wall_time=wall, step=step, summary=pb.Summary(value=[pb.Summary.Value(tag=tag, simple_value=value)]))


experiment = pb.Experiment(
    name="s1", time_created_secs=1700000000.25,
    hparam_infos=[
        pb.HParamInfo(name="lr", type=3, domain_interval=pb.Interval(min_value=1e-4, max_value=0.1)),
        pb.HParamInfo(name="opt", type=1, domain_discrete=struct_pb2.ListValue(values=[struct_pb2.Value(string_value="adamw"), struct_pb2.Value(string_value="sgd")])),
        pb.HParamInfo(name="wd", type=3, domain_interval=pb.Interval(min_value=0.0, max_value=0.3)),
    ],
    metric_infos=[pb.MetricInfo(name=pb.MetricName(tag="val/top1"), dataset_type=2), pb.MetricInfo(name=pb.MetricName(tag="train/loss"), dataset_type=1)],
)
start = pb.SessionStartInfo(start_time_secs=1700000001.5)
start.hparams["wd"].number_value = 0.0
start.hparams["lr"].number_value = 0.003
start.hparams["opt"].string_value = "sgd"
events = [
    pb.Event(wall_time=1700000000.25, file_version="brain.Event:2"),
    hparams_event(1700000000.25, "_hparams_/experiment", experiment=experiment),
    hparams_event(1700000001.5, "_hparams_/session_start_info", session_start_info=start),
    scalar(1700000003.0, 1, "val/top1", 0.8125),
    scalar(1700000003.0, 1, "train/loss", 0.0),
    hparams_event(1700000004.75, "_hparams_/session_end_info", session_end_info=pb.SessionEndInfo(status=1, end_time_secs=1700000004.75)),
]
print(json.dumps({
    "crc32c_123456789": crc32c(b"123456789"),
    "records_hex": [record(e).hex() for e in events],
}))
