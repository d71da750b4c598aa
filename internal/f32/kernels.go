package f32
